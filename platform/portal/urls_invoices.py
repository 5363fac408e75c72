"""A client's invoices and costs on its own portal (tenant URLconf, under /invoices/)."""

from django.urls import path

from portal import invoices as views

urlpatterns = [
    path("", views.invoice_list, name="billing-invoices"),
    path("usage.csv", views.usage_csv, name="billing-usage-csv"),
    path("<int:invoice_id>/", views.invoice_detail, name="billing-invoice"),
    path("<int:invoice_id>/lines.csv", views.invoice_csv, name="billing-invoice-csv"),
    path("<int:invoice_id>/invoice.pdf", views.invoice_pdf_download, name="billing-invoice-pdf"),
    path("<int:invoice_id>/invoice.xml", views.invoice_xml_download, name="billing-invoice-xml"),
]
