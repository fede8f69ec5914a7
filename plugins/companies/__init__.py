"""Buyer companies, their members and the customer groups they form."""
