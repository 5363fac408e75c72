"""Registration of customer-facing content with django-modeltranslation: one column per
catalog language for each field below. Fallbacks are read along the admin-editable chains
(content.selectors), not modeltranslation's static settings."""

from modeltranslation.translator import TranslationOptions, register

from content.models import (
    CannedReply,
    Category,
    FaqArticle,
    FaqCategory,
    MessageTemplate,
    ReplySettings,
)


@register(CannedReply)
class CannedReplyTranslation(TranslationOptions):
    fields = ("title", "body")


@register(FaqArticle)
class FaqArticleTranslation(TranslationOptions):
    fields = ("question", "answer")


@register(FaqCategory)
class FaqCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(MessageTemplate)
class MessageTemplateTranslation(TranslationOptions):
    fields = ("subject", "body")


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(ReplySettings)
class ReplySettingsTranslation(TranslationOptions):
    fields = ("signature",)
