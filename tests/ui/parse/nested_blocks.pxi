host pve1 {
  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge "vmbr1" {
    vlan_aware = true
  }
  storage local-lvm { type = lvmthin, content = [images, rootdir] }
}
role web {
  firewall {
    allow = [80, 443]
    rule ssh { port = 22, from = 10.10.0.0/24 }
  }
  sysctl {
    "net.ipv4.ip_forward" = 1
  }
}
