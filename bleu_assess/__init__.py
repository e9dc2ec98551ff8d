"""bleu-assess: readiness of applications and data for a French cloud de confiance."""

__version__ = "0.1.0"

from bleu_assess import records  # after __version__, which its cache file names

records.install()  # our records' generated methods compiled once, kept in the cache (records.py)
