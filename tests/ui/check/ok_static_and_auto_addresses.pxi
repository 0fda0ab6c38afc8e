# Static addresses and `ip = auto` in the same network: `auto` takes the lowest
# free address of the pool, skipping the ones written by hand.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.102
}

network dmz {
  cidr    = 10.0.30.0/24
  gateway = 10.0.30.1
  pool    = 10.0.30.100 .. 10.0.30.199
  vlan    = 30
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  bridge vmbr1 { network = dmz, vlan_aware = true }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm static-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = 10.0.0.100 }    # in the pool: `auto` skips it
}

vm auto-01 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = auto }          # 10.0.0.101
  network dmz { ip = auto }          # 10.0.30.100
}

vm auto-02 {
  host     = pve1
  template = ubuntu-2404
  network lan { }                    # `ip` defaults to `auto`: 10.0.0.102
}
