cluster homelab {
  token = env("PROXMOX_VE_API_TOKEN"
}
