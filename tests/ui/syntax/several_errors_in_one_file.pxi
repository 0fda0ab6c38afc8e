# Each broken declaration is reported; the good ones between are still parsed.
vm a {
  memory = 4GB
}
vm b {
  cores = 2
}
vm c {
  address = 300.1.1.1
  network = 10.0.0.0/40
}
vmm d {
  cores = 1
}
