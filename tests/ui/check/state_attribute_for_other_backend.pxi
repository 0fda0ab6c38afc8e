# `bucket` is for an S3 state backend; a PostgreSQL one has no use for it.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  state {
    backend = pg
    bucket  = "tfstate"
  }
}
