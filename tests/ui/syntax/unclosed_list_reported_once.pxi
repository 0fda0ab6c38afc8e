# A mistake that breaks the lines after it is reported once, not once per line.
vm web-01 {
  tags = ["web", "prod"
  cores = 2
  memory = 2GiB
}
