# Mount points: a bind mount with an API token (PXI0504), paths Proxmox refuses or
# repeats (PXI0505), a volume without a size and a bind mount with one (PXI0506).
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
  storage backups   { type = dir, path = "/mnt/backups", content = [backup] }
}

template ubuntu-2404 {
  host    = pve1
  vmid    = 9000
  image   = os.ubuntu_2404
  storage = local-lvm
}

container files-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  mount media { path = "/srv/media", host_path = "/tank/media" }
  mount a { path = "srv/a", size = 1GiB }
  mount b { path = "/", size = 1GiB }
  mount c { path = "/srv/../etc", size = 1GiB }
  mount d { path = "/srv/d,ro=1", size = 1GiB }
  mount j { path = "/srv/\"j\"", size = 1GiB }
  mount e { path = "/srv/e", size = 1GiB }
  mount f { path = "/srv/e", size = 1GiB }
  mount g { path = "/srv/g" }
  mount h { path = "/srv/h", host_path = "/tank/h", size = 1GiB }
  mount i { path = "/srv/i", size = 1GiB, storage = local }
  mount k { path = "/srv/k", host_path = "tank/../k" }
}
