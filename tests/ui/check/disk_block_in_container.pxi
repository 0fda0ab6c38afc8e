# A container has no data disks: `disk data { … }` is a block it does not take (its
# volumes are `mount` blocks), not its `disk = …` written as a block.
# profile carries disks and mount points too.
use std.os

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
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl, images] }
}

container files-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  disk     = 8GiB
  network lan { ip = auto }
  disk data { size = 16GiB, interface = "scsi1" }
}
