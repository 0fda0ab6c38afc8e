host pve1 {
  name      = "pve1"
  cores     = 16
  zero      = 0
  enabled   = true
  disabled  = false
  vmid      = auto
  kib       = 512KiB
  mib       = 512MiB
  gib       = 64GiB
  tib       = 1TiB
  pib       = 1PiB
  address   = 10.10.0.2
  any       = 0.0.0.0
  broadcast = 255.255.255.255
  cidr      = 10.10.0.0/24
  host_cidr = 10.10.0.2/32
  default   = 0.0.0.0/0
  pool      = 10.10.0.100 .. 10.10.0.199
  tight     = 10.10.0.100..10.10.0.199
  inclusive = 10.10.0.100 ..= 10.10.0.199
  ids       = 100..999
  empty     = []
  list      = [1, 2, 3]
  trailing  = [
    "a",
    "b",
  ]
  nested    = [[1, 2], [3]]
  reference = pve1
  dotted    = roles.base
  secret    = env("PROXMOX_VE_API_TOKEN")
  key       = file("keys/admin.pub")
  nullary   = now()
  two_args  = f(1, "x",)
}
