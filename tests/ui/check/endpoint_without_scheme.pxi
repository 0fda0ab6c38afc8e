# An endpoint that is not an API URL (PXI0322).
cluster lab {
  endpoint = "10.0.0.2"
}
