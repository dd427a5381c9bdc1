"""SQL built once from model metadata for the hot paths, beside the ORM. See README.md here."""
