profile small { cores = 2, memory = 2GiB }
profile hardened { firewall { policy = "drop" } }
profile medium : small { cores = 4 }
vm web-01 : medium, hardened { host = pve1 }
vm std-01 : profiles.small { host = pve1 }
