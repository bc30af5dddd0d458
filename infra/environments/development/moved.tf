# These modules were called from this root before modules/phenom_stack held them: the blocks move
# their objects in state to the new addresses instead of destroying and recreating them.
moved {
  from = module.network
  to   = module.stack.module.network
}

moved {
  from = module.database
  to   = module.stack.module.database
}

moved {
  from = module.secrets
  to   = module.stack.module.secrets
}

moved {
  from = module.media_bucket
  to   = module.stack.module.media_bucket
}

moved {
  from = module.cognito_trigger
  to   = module.stack.module.cognito_trigger
}

moved {
  from = module.cognito_sync_users
  to   = module.stack.module.cognito_sync_users
}

moved {
  from = module.cognito
  to   = module.stack.module.cognito
}

moved {
  from = module.action_handler
  to   = module.stack.module.action_handler
}

moved {
  from = module.alb
  to   = module.stack.module.alb
}

moved {
  from = module.graphql
  to   = module.stack.module.graphql
}

# No block here can move the Postgres ingress rule from its old key, the client's security group id,
# to "graphql": the id is written only in the state. infra/README.md gives the one state move instead.
