"""The tests' helpers (as PTB's tests/auxil): the bot on the fake Telegram with a clock
(botenv), the test databases (db), flows many tests start with (flows), chibo as a real
process (chiboproc), a private PostgreSQL server (pgcluster), what a screen or a table
shows (probing), where the checkout and the shared samples are (paths). The fake Bot API
itself is tests/fakeapi."""
