package i18n

// Messages of the CLI's explain command, create --help's field list,
// and the names accepted wherever ids are (issue 20).
func init() {
	Add(map[string]Text{
		"cli.explain.resource":    {ES: "RECURSO:", PT: "RECURSO:", EN: "RESOURCE:"},
		"cli.explain.type":        {ES: "TIPO:", PT: "TIPO:", EN: "TYPE:"},
		"cli.explain.create":      {ES: "CREAR:", PT: "CRIAR:", EN: "CREATE:"},
		"cli.explain.description": {ES: "DESCRIPCIÓN:", PT: "DESCRIÇÃO:", EN: "DESCRIPTION:"},
		"cli.explain.fields":      {ES: "CAMPOS:", PT: "CAMPOS:", EN: "FIELDS:"},
		"cli.explain.required":    {ES: "obligatorio", PT: "obrigatório", EN: "required"},
		"cli.explain.enum":        {ES: "valores:", PT: "valores:", EN: "one of:"},
		"cli.explain.pattern":     {ES: "formato:", PT: "formato:", EN: "pattern:"},
		"cli.explain.err.not_created": {ES: "%s no se crea con create -f ni apply -f; explain conoce: %s",
			PT: "%s não é criado com create -f nem apply -f; explain conhece: %s",
			EN: "%s is not created with create -f or apply -f; explain knows: %s"},
		"cli.explain.err.field": {ES: "%s: campo desconocido; los campos son: %s", PT: "%s: campo desconhecido; os campos são: %s", EN: "%s: unknown field; the fields are: %s"},
		"cli.explain.create_help": {ES: "Campos obligatorios de cada sustantivo (todos los campos: soberana explain SUSTANTIVO, o create SUSTANTIVO --help):",
			PT: "Campos obrigatórios de cada substantivo (todos os campos: soberana explain SUBSTANTIVO, ou create SUBSTANTIVO --help):",
			EN: "Required fields of each noun (every field: soberana explain NOUN, or create NOUN --help):"},
		"cli.err.app_no_workload": {ES: "la aplicación %q aún no tiene carga", PT: "a aplicação %q ainda não tem carga", EN: "app %q has no workload yet"},
		"cli.err.not_deletable":   {ES: "%s no se elimina con delete; delete conoce: %s", PT: "%s não é excluído com delete; delete conhece: %s", EN: "%s cannot be deleted with delete; delete knows: %s"},
		"cli.short.create": {ES: "Crear un objeto desde un archivo YAML o JSON (- para la entrada estándar) o JSON en línea",
			PT: "Criar um objeto a partir de um arquivo YAML ou JSON (- para a entrada padrão) ou JSON em linha",
			EN: "Create an object from a YAML or JSON file (- for stdin) or inline JSON"},
		"cli.short.explain": {ES: "Nombrar los campos que aceptan create -f y apply -f: tipo, obligatorio, valores, descripción",
			PT: "Nomear os campos que create -f e apply -f aceitam: tipo, obrigatório, valores, descrição",
			EN: "Name the fields create -f and apply -f accept: type, required, allowed values, description"},
	})
}
