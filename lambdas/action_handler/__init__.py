"""The Hasura action handler behind a Lambda Function URL: createPhenom, getPhenoms, deletePhenom."""
