# Attributes live inside a declaration.
cores = 4
vm web-01 {
  cores = 2
}
