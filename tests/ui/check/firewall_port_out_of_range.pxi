# A role opens a port that does not exist (PXI0319).
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

role web {
  packages = ["nginx"]
  firewall { allow = [80, 443, 70000], allow_udp = [0] }
}
