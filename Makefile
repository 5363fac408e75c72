# The two commands of the README. Everything else is in scripts/dev.
.PHONY: demo test setup stop
demo:
	@bash scripts/dev demo
test:
	@bash scripts/dev test
setup:
	@bash scripts/dev setup
stop:
	@bash scripts/dev stop
