# Terraform state in PostgreSQL; the connection string (with its password) comes
# from PG_CONN_STR.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  state {
    backend     = pg
    schema_name = "pxic_lab"
  }
}
