package i18n

// The console's site map and list at scale (issue 21): clusters, zoom,
// filters by subdivision and edge group, name search, pages.
func init() {
	Add(map[string]Text{
		"console.col.subdivision":      {ES: "Subdivisión", PT: "Subdivisão", EN: "Subdivision"},
		"console.col.edge-group":       {ES: "Grupo de borde", PT: "Grupo de borda", EN: "Edge group"},
		"console.sites.search":         {ES: "Buscar por nombre", PT: "Buscar por nome", EN: "Search by name"},
		"console.sites.map.zoom":       {ES: "Zoom del mapa", PT: "Zoom do mapa", EN: "Map zoom"},
		"console.sites.map.level":      {ES: "Nivel de zoom %d", PT: "Nível de zoom %d", EN: "Zoom level %d"},
		"console.sites.map.zoom-in":    {ES: "Acercar", PT: "Aproximar", EN: "Zoom in"},
		"console.sites.map.zoom-out":   {ES: "Alejar", PT: "Afastar", EN: "Zoom out"},
		"console.sites.map.zoom-reset": {ES: "Ver todo el mapa", PT: "Ver o mapa inteiro", EN: "Whole map"},
		"console.sites.map.clustered":  {ES: "%d sitios en esta vista, agrupados en %d marcas; cada grupo acerca el mapa sobre sus sitios. La tabla siguiente da los mismos datos.", PT: "%d sites nesta vista, agrupados em %d marcas; cada grupo aproxima o mapa dos seus sites. A tabela a seguir traz os mesmos dados.", EN: "%d sites in this view, grouped into %d marks; each group zooms the map in on its sites. The table below gives the same data."},
		"console.sites.map.cluster":    {ES: "%d sitios (%d sanos, %d degradados, %d caídos): acercar", PT: "%d sites (%d saudáveis, %d degradados, %d fora do ar): aproximar", EN: "%d sites (%d healthy, %d degraded, %d down): zoom in"},
		"console.sites.table.page":     {ES: "Sitios %d a %d de %d", PT: "Sites %d a %d de %d", EN: "Sites %d to %d of %d"},
		"console.sites.pages":          {ES: "Páginas de sitios", PT: "Páginas de sites", EN: "Pages of sites"},
		"console.sites.page":           {ES: "Página %d de %d", PT: "Página %d de %d", EN: "Page %d of %d"},
		"console.sites.prev":           {ES: "Anterior", PT: "Anterior", EN: "Previous"},
		"console.sites.next":           {ES: "Siguiente", PT: "Próxima", EN: "Next"},
	})
}
