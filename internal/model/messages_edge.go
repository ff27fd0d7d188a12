package model

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"field.endpoint":       {ES: "%q no es una URL http(s) válida", PT: "%q não é uma URL http(s) válida", EN: "%q is not a valid http(s) URL"},
		"field.unknown_group":  {ES: "el grupo %q no existe en este proveedor ni en la importación", PT: "o grupo %q não existe neste provedor nem na importação", EN: "group %q exists neither on this provider nor in the import"},
		"field.duplicate_name": {ES: "el nombre %q ya está en uso (fila %d)", PT: "o nome %q já está em uso (linha %d)", EN: "name %q is already taken (row %d)"},
		"field.name_taken":     {ES: "ya existe un subcloud o sitio llamado %q en este proveedor", PT: "já existe um subcloud ou site chamado %q neste provedor", EN: "a subcloud or site named %q already exists on this provider"},
		"field.capacity":       {ES: "%q no es una capacidad vcpus/memoria_mib/disco_gib (p. ej. 16/65536/500)", PT: "%q não é uma capacidade vcpus/memória_mib/disco_gib (p. ex. 16/65536/500)", EN: "%q is not a capacity vcpus/memory_mib/disk_gib (e.g. 16/65536/500)"},
		"field.not_edge":       {ES: "el proveedor %q no es de tipo edge", PT: "o provedor %q não é do tipo edge", EN: "provider %q is not of kind edge"},
		"field.too_many_rows":  {ES: "a lo sumo %d filas por importación", PT: "no máximo %d linhas por importação", EN: "at most %d rows per import"},
		"field.no_rows":        {ES: "la importación no tiene filas", PT: "a importação não tem linhas", EN: "the import has no rows"},
	})
}
