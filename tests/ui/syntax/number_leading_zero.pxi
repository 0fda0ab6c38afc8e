vm web-01 {
  cores = 007
  disk  = 010GiB
}
network lan {
  cidr = 10.10.0.0/024
}
