package console

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"console.col.power":             {ES: "Encendido", PT: "Energia", EN: "Power"},
		"console.col.addresses":         {ES: "Direcciones", PT: "Endereços", EN: "Addresses"},
		"console.power.running":         {ES: "encendida", PT: "ligada", EN: "running"},
		"console.power.stopping":        {ES: "apagándose", PT: "desligando", EN: "stopping"},
		"console.power.stopped":         {ES: "apagada", PT: "desligada", EN: "stopped"},
		"console.power.starting":        {ES: "encendiéndose", PT: "ligando", EN: "starting"},
		"console.power.rebooting":       {ES: "reiniciándose", PT: "reiniciando", EN: "rebooting"},
		"console.power.title":           {ES: "Encendido y tamaño", PT: "Energia e tamanho", EN: "Power and size"},
		"console.power.help":            {ES: "Actúa sobre todas las réplicas. Una réplica apagada conserva su capacidad y se cobra al precio de apagada de la lista de precios (si no lo indica, el precio completo).", PT: "Age sobre todas as réplicas. Uma réplica desligada mantém sua capacidade e é cobrada pelo preço de desligada da tabela de preços (se não houver, o preço cheio).", EN: "Acts on every replica. A stopped replica keeps its capacity and is charged the price list's stopped price (the full price where it names none)."},
		"console.power.start":           {ES: "Encender", PT: "Ligar", EN: "Start"},
		"console.power.stop":            {ES: "Apagar", PT: "Desligar", EN: "Stop"},
		"console.power.reboot":          {ES: "Reiniciar", PT: "Reiniciar", EN: "Reboot"},
		"console.power.resize":          {ES: "Redimensionar", PT: "Redimensionar", EN: "Resize"},
		"console.power.resize.offering": {ES: "Nueva oferta", PT: "Nova oferta", EN: "New offering"},
		"console.power.resize.help":     {ES: "Las réplicas quedan en sus sitios; el compromiso presupuestario pasa a la nueva previsión.", PT: "As réplicas ficam em seus sites; o compromisso orçamentário passa para a nova previsão.", EN: "The replicas stay on their sites; the budget commitment moves to the new forecast."},
		"console.power.done.start":      {ES: "Réplicas encendidas.", PT: "Réplicas ligadas.", EN: "Replicas started."},
		"console.power.done.stop":       {ES: "Réplicas apagadas.", PT: "Réplicas desligadas.", EN: "Replicas stopped."},
		"console.power.done.reboot":     {ES: "Réplicas reiniciadas.", PT: "Réplicas reiniciadas.", EN: "Replicas rebooted."},
		"console.power.done.resize":     {ES: "Carga redimensionada.", PT: "Carga redimensionada.", EN: "Workload resized."},
		"console.error.power":           {ES: "Elija encender, apagar, reiniciar o redimensionar.", PT: "Escolha ligar, desligar, reiniciar ou redimensionar.", EN: "Choose start, stop, reboot or resize."},
	})
}
