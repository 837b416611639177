"""chibo: a Telegram companion for the secretaries of Party cells (chi bộ)."""

__version__ = "0.1.0"
