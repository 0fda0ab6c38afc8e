# A host's name becomes a folder of the output (`ansible/files/<host>/interfaces`)
# and its `node` the Proxmox node's name: both must be host names, so no `..`, `/`
# or control character can make pxic write outside the output folder.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host "../../../victim" {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
}

host pve2 {
  address = 10.0.0.3
  node    = "pve2/../../x"
  bridge vmbr0 { ports = ["eno1"], network = lan }
}
