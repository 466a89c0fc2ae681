"""Data of the Aesara 2.9 API audit: the generated table and its exceptions."""
