# A ministry on soberana: an institution, a budget line, a project, a
# workload with two replicas in two failure domains, and a vendor grant.
#
#   export SOBERANA_URL=http://127.0.0.1:8080 SOBERANA_TOKEN=sbr_…
#   terraform init && terraform apply
#
# (`soberana up` prints the URL and the admin token; its demo fleet is
# SIMULATED, hence allow_simulated below: leave it out on a real fleet.)

terraform {
  required_providers {
    soberana = {
      source = "soberana/soberana"
    }
  }
}

provider "soberana" {
  # endpoint = "https://soberana.gob.example"  # or $SOBERANA_URL
  # token    = "sbr_…"                         # or $SOBERANA_TOKEN
  lang = "en"
}

variable "institution_name" {
  type    = string
  default = "Secretaria de Saúde Digital (exemplo)"
}

variable "project_name" {
  type    = string
  default = "agenda-de-consultas"
}

variable "budget_amount_minor" {
  description = "The budget line's amount in centavos (BRL minor units): 100000000 is R$ 1.000.000,00."
  type        = number
  default     = 100000000
}

variable "fiscal_year" {
  type    = number
  default = 2026
}

variable "vendor_email" {
  type    = string
  default = "suporte@fornecedor.example"
}

variable "grant_expires_at" {
  description = "When the vendor's access ends (RFC 3339; at most one year ahead)."
  type        = string
  default     = "2027-06-30T00:00:00Z"
}

data "soberana_offerings" "small" {
  name = "SCS-2V-4-20s"
}

data "soberana_sites" "brazil" {
  country = "BR"
}

resource "soberana_institution" "saude" {
  name               = var.institution_name
  country            = "BR"
  currency           = "BRL"
  auto_approve_minor = 5000000 # R$ 50.000,00 a month: approved without a person below this
  data_sovereignty   = "national"
  data_countries     = ["BR"]
}

resource "soberana_budget_line" "nuvem" {
  institution_id = soberana_institution.saude.id
  fiscal_year    = var.fiscal_year
  code           = "10.302.5018"
  name           = "Atenção especializada — nuvem"
  amount_minor   = var.budget_amount_minor
}

resource "soberana_project" "agenda" {
  institution_id = soberana_institution.saude.id
  budget_line_id = soberana_budget_line.nuvem.id
  name           = var.project_name
}

resource "soberana_workload" "agenda" {
  project_id          = soberana_project.agenda.id
  offering_id         = data.soberana_offerings.small.offerings[0].id
  replicas            = 2
  classification      = "confidential"
  residency_countries = ["BR"]
  sovereignty_mode    = "national"
  min_failure_domains = 2
  allow_simulated     = true
  # wait_for_running = true and timeout = "10m" by default: apply waits
  # until both replicas run, and reports (without waiting) a workload that
  # awaits a person's approval.
}

resource "soberana_grant" "vendor" {
  project_id = soberana_project.agenda.id
  email      = var.vendor_email
  role       = "developer"
  expires_at = var.grant_expires_at
  reason     = "Implantação da agenda de consultas"
}

variable "operator_public_key" {
  description = "The operators' SSH public key (the .pub file; e.g. file(\"~/.ssh/id_ed25519.pub\"))."
  type        = string
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGeU2e5qgnXuS7R6aaPvrNwKr5yTNZ4l5gJzCHF7qx44 operador@saude.example"
}

# A project key: every member who may ask for workloads in the project
# can give it to a workload's replicas (leave project_id out for your own).
resource "soberana_ssh_key" "operadores" {
  project_id = soberana_project.agenda.id
  name       = "operadores"
  public_key = var.operator_public_key
}

output "institution_id" {
  value = soberana_institution.saude.id
}

output "workload_id" {
  value = soberana_workload.agenda.id
}

output "workload_state" {
  value = soberana_workload.agenda.state
}

output "placements" {
  value = [for p in soberana_workload.agenda.placements : "${p.site_id} (${p.state})"]
}

output "forecast_monthly_minor" {
  value = soberana_workload.agenda.forecast_monthly_minor
}

output "brazilian_sites" {
  value = length(data.soberana_sites.brazil.sites)
}
