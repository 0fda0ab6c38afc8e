# A stock cloud image has no guest agent: turning it on makes the provider wait
# 15 minutes on every create and refresh (a warning). Left to `auto`, the agent
# follows the template: off here, on for the template whose build installs it.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template plain {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

template with-agent {
  host    = pve1
  vmid    = 9001
  image   = os.ubuntu_2404
  storage = local-lvm
  build { packages = ["qemu-guest-agent"] }
}

vm waits {
  host     = pve1
  template = plain
  agent    = true
  network lan { ip = auto }
}

vm follows {
  host     = pve1
  template = plain
  network lan { ip = auto }
}

vm answers {
  host     = pve1
  template = with-agent
  agent    = true
  network lan { ip = auto }
}
