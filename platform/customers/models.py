"""Customers of one client. Personal data: lives only in that client's schema."""

from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True, help_text="E.164")
    language = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)
    shop_reference = models.CharField(
        max_length=100, blank=True, help_text="the e-shop's own customer number"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"customer {self.pk}"
