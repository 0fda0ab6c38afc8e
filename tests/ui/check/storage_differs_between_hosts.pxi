# Two hosts declare `local` with different paths: the cluster-wide storage.cfg holds
# one definition per storage ID (PXI0361).
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local { type = dir, path = "/var/lib/vz", content = [iso, vztmpl] }
}

host pve2 {
  address = 10.0.0.3
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local { type = dir, path = "/srv/vz", content = [iso, vztmpl, snippets] }
}
