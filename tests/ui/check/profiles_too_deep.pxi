# A chain of 65 profiles (PXI0120): `p65` crosses the limit of 64 and is the one
# reported; `p66` and the VM, which inherit from it, are not reported again.

use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template ubuntu-2404 {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

profile p1 { cores = 2 }
profile p2 : p1 { }
profile p3 : p2 { }
profile p4 : p3 { }
profile p5 : p4 { }
profile p6 : p5 { }
profile p7 : p6 { }
profile p8 : p7 { }
profile p9 : p8 { }
profile p10 : p9 { }
profile p11 : p10 { }
profile p12 : p11 { }
profile p13 : p12 { }
profile p14 : p13 { }
profile p15 : p14 { }
profile p16 : p15 { }
profile p17 : p16 { }
profile p18 : p17 { }
profile p19 : p18 { }
profile p20 : p19 { }
profile p21 : p20 { }
profile p22 : p21 { }
profile p23 : p22 { }
profile p24 : p23 { }
profile p25 : p24 { }
profile p26 : p25 { }
profile p27 : p26 { }
profile p28 : p27 { }
profile p29 : p28 { }
profile p30 : p29 { }
profile p31 : p30 { }
profile p32 : p31 { }
profile p33 : p32 { }
profile p34 : p33 { }
profile p35 : p34 { }
profile p36 : p35 { }
profile p37 : p36 { }
profile p38 : p37 { }
profile p39 : p38 { }
profile p40 : p39 { }
profile p41 : p40 { }
profile p42 : p41 { }
profile p43 : p42 { }
profile p44 : p43 { }
profile p45 : p44 { }
profile p46 : p45 { }
profile p47 : p46 { }
profile p48 : p47 { }
profile p49 : p48 { }
profile p50 : p49 { }
profile p51 : p50 { }
profile p52 : p51 { }
profile p53 : p52 { }
profile p54 : p53 { }
profile p55 : p54 { }
profile p56 : p55 { }
profile p57 : p56 { }
profile p58 : p57 { }
profile p59 : p58 { }
profile p60 : p59 { }
profile p61 : p60 { }
profile p62 : p61 { }
profile p63 : p62 { }
profile p64 : p63 { }
profile p65 : p64 { }
profile p66 : p65 { }

vm web-01 : p66 {
  host     = pve1
  template = ubuntu-2404
  network lan { ip = 10.0.0.21 }
}
