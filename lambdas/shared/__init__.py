"""Small modules shared by the three Lambdas: env config, JSON logs, app secrets, Hasura admin client."""
