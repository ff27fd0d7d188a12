package workload

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"workload.field.image_family": {
			ES: "«%s» no es un nombre de familia de imagen (p. ej. ubuntu-24.04, debian-12, rocky-9)",
			PT: "«%s» não é um nome de família de imagem (ex.: ubuntu-24.04, debian-12, rocky-9)",
			EN: "%q is not an image family name (e.g. ubuntu-24.04, debian-12, rocky-9)"},
		"workload.field.image_unknown": {
			ES: "ningún proveedor ofrece la imagen %s; familias disponibles: %s (GET /v1/images)",
			PT: "nenhum provedor oferece a imagem %s; famílias disponíveis: %s (GET /v1/images)",
			EN: "no provider offers image %s; families available: %s (GET /v1/images)"},
		"workload.field.ssh_keys_count": {
			ES: "a lo sumo %s claves SSH por solicitud (recibidas %s)",
			PT: "no máximo %s chaves SSH por solicitação (recebidas %s)",
			EN: "at most %s SSH keys per request (got %s)"},
		"workload.field.ssh_key_unknown": {
			ES: "no hay una clave SSH «%s» suya ni del proyecto; agréguela con POST /v1/ssh-keys (soberana ssh-key add)",
			PT: "não há uma chave SSH «%s» sua nem do projeto; adicione-a com POST /v1/ssh-keys (soberana ssh-key add)",
			EN: "no SSH key %q of yours or of the project; add it with POST /v1/ssh-keys (soberana ssh-key add)"},
		"workload.field.user_data.too_large": {
			ES: "user_data tiene %s bytes; el máximo es %s",
			PT: "user_data tem %s bytes; o máximo é %s",
			EN: "user_data is %s bytes; at most %s are allowed"},
		"workload.field.user_data.not_utf8": {
			ES: "user_data debe ser texto UTF-8",
			PT: "user_data deve ser texto UTF-8",
			EN: "user_data must be UTF-8 text"},
		"workload.field.user_data.not_cloud_init": {
			ES: "user_data debe empezar por «#cloud-config» (YAML) o por «#!» (un script)",
			PT: "user_data deve começar com «#cloud-config» (YAML) ou com «#!» (um script)",
			EN: "user_data must start with \"#cloud-config\" (YAML) or \"#!\" (a script)"},
		"workload.field.user_data.bad_yaml": {
			ES: "el #cloud-config no es YAML válido: %s",
			PT: "o #cloud-config não é YAML válido: %s",
			EN: "the #cloud-config is not valid YAML: %s"},
		"workload.field.user_data.not_mapping": {
			ES: "el #cloud-config debe ser un mapa YAML (clave: valor)",
			PT: "o #cloud-config deve ser um mapa YAML (chave: valor)",
			EN: "the #cloud-config must be a YAML mapping (key: value)"},
		"workload.field.user_data.bad_merged_field": {
			ES: "en el #cloud-config, %s debe ser una lista",
			PT: "no #cloud-config, %s deve ser uma lista",
			EN: "in the #cloud-config, %s must be a list"},
	})
}
