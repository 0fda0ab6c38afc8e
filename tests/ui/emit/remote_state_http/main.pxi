# Terraform state behind an HTTP endpoint that speaks Terraform's HTTP state
# protocol, with locking; the password comes from TF_HTTP_PASSWORD.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  state {
    backend        = http
    address        = "https://state.example.org/lab"
    lock_address   = "https://state.example.org/lab/lock"
    unlock_address = "https://state.example.org/lab/lock"
    username       = "ci"
  }
}
