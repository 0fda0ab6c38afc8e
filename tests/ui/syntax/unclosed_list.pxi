vm web-01 {
  tags = ["web", "prod"
  cores = 2
}
