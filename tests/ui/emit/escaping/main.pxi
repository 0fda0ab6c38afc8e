# Text that HCL would read as syntax or as a template stays literal: quotes,
# backslashes, `${…}` and `%{…}`, line breaks, and characters outside ASCII.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/?a=\"b\"&c=\\d"
  token    = env("PVE_TOKEN")
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import] }
}

pool "team" {
  comment = "Owned by \"ops\" \\ billed to %{cost} and \${budget}\nsecond line"
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm web-01 {
  host        = pve1
  template    = ubuntu-2404
  pool        = team
  description = "Serves \${var.secret} and %{ if true }x%{ endif } — café ☕\n\tindented"
  network lan { ip = 10.0.0.21 }
  user admin { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq \"quoted\" admin@\${host}"], sudo = true }
  tags        = ["web"]
}
