"""Demo data: clients in several countries and languages, their users and activity.

Each feature adds its own seeding step to ``demo.seed.SEED_STEPS``.
"""
