# Proxmox tags are words: a space, a slash or a leading `-` is refused (each
# tag is reported where it is written).
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local { type = dir, path = "/var/lib/vz", content = [images, import] }
}

template debian {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local
}

vm web-01 {
  host     = pve1
  template = debian
  network lan { ip = 10.0.0.21 }
  tags     = ["ok_tag", "web server", "team/ops", "-lead", "v1.2+x"]
}
