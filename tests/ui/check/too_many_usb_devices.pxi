# A VM has 14 USB slots: the 15th device has none. (16 PCI slots likewise.)
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import] }
  usb key1 { id = "0781:1001" }
  usb key2 { id = "0781:1002" }
  usb key3 { id = "0781:1003" }
  usb key4 { id = "0781:1004" }
  usb key5 { id = "0781:1005" }
  usb key6 { id = "0781:1006" }
  usb key7 { id = "0781:1007" }
  usb key8 { id = "0781:1008" }
  usb key9 { id = "0781:1009" }
  usb key10 { id = "0781:100a" }
  usb key11 { id = "0781:100b" }
  usb key12 { id = "0781:100c" }
  usb key13 { id = "0781:100d" }
  usb key14 { id = "0781:100e" }
  usb key15 { id = "0781:100f" }
}

template ubuntu {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm keys {
  host     = pve1
  template = ubuntu
  network lan { ip = auto }
  usb key1 {}
  usb key2 {}
  usb key3 {}
  usb key4 {}
  usb key5 {}
  usb key6 {}
  usb key7 {}
  usb key8 {}
  usb key9 {}
  usb key10 {}
  usb key11 {}
  usb key12 {}
  usb key13 {}
  usb key14 {}
  usb key15 {}
}
