# The smallest project: a cluster and nothing else.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}
