"""What customers read, per client and per language (tenant schema): canned replies, FAQ
articles and message templates. Translations through django-modeltranslation
(registered in content/translation.py), falling back along the language chains."""
