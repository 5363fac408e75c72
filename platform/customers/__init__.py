"""A client's customers (tenant schema): who contacts the e-shop, in which language."""
