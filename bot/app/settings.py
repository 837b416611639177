"""The settings as the composition root reads them (from the environment, once).

The dataclass lives in bot/services/settings.py: use cases and faces read it (the time zone
(L1), the default meeting day (M7), the default language), and a face must not import
bot/app (docs/architecture.md). Kept here so `bot.app.settings` stays the place to start from.
"""

from bot.services.settings import Settings as Settings
from bot.services.settings import SettingsError as SettingsError
