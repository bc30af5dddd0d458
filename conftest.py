"""The suite's plugins: every pytest hook is in tests/plugins/hooks.py, the fixtures in the modules beside it."""

pytest_plugins = (
    "tests.plugins.environment",
    "tests.plugins.stack",
    "tests.plugins.reporting",
    "tests.plugins.infra",
    # Last: it imports the modules above, which pytest must import first to rewrite their asserts.
    "tests.plugins.hooks",
)
