# A guest Ansible logs in to whose NICs take no static address (PXI0540): one on
# DHCP, one without any. The inventory would have no address to connect to.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

network wan {
  cidr = 192.168.1.0/24
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = wan, ports = ["eno2"] }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm router {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = dhcp }
  network lan { ip = none }
  user ops { ssh_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcMYhEt5o4A1Xw2bfXlsRPvKbHPEcDnzRgzAL3tOkUX ops"], sudo = true }
}
