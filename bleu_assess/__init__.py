"""bleu-assess: readiness of applications and data for a French cloud de confiance."""

__version__ = "0.1.0"
