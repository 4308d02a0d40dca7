package replay

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/comanda/comanda/shm"
)

// ExportParams are the original export's "parâmetros": the run's settings
// and the moment of the export.
type ExportParams struct {
	Producers int
	Consumers int
	Duration  time.Duration // 0: unlimited ("Ilimitada")
	Now       time.Time     // when the export was made
}

// originalBoard returns the board the original's export would have read:
// the data region decoded, or, when it does not decode, the empty structure
// the original fell back to.
func originalBoard(s *State) *shm.Board {
	if b, err := s.Board(); err == nil {
		return b
	}
	return &shm.Board{}
}

// countInPrep counts the orders the board says are in preparation.
func countInPrep(b *shm.Board) int {
	n := 0
	for _, o := range b.Orders {
		if o.Status == shm.StatusInPrep {
			n++
		}
	}
	return n
}

// unixTime turns the original's float timestamp into a time, rounded to the
// microsecond as Python's datetime.fromtimestamp does.
func unixTime(ts float64) time.Time {
	sec := math.Floor(ts)
	micro := math.RoundToEven((ts - sec) * 1e6)
	return time.Unix(int64(sec), int64(micro)*1000).In(time.Local)
}

// pyISO formats a time as Python's datetime.isoformat() does (no zone, and
// microseconds only when there are some).
func pyISO(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

// WriteOriginalCSV writes the original's CSV export of state s: three
// sections (parameters, statistics, orders), Brazilian date format, CRLF
// line ends as Python's csv module writes them. It opens in a spreadsheet.
func WriteOriginalCSV(w io.Writer, s *State, p ExportParams) error {
	b := originalBoard(s)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	dur := "Ilimitada"
	if p.Duration > 0 {
		dur = strconv.Itoa(int(p.Duration.Seconds()))
	}
	rows := [][]string{
		{"PARÂMETROS DO SISTEMA"},
		{"Número de Produtores", strconv.Itoa(p.Producers)},
		{"Número de Consumidores", strconv.Itoa(p.Consumers)},
		{"Duração (segundos)", dur},
		{"Data/Hora Exportação", p.Now.Format("02/01/2006 15:04:05")},
		{},
		{"ESTATÍSTICAS"},
		{"Total Criados", strconv.FormatInt(b.Stats.Created, 10)},
		{"Total Processados", strconv.FormatInt(b.Stats.Processed, 10)},
		{"Em Fila", strconv.FormatInt(b.Stats.Queued, 10)},
		{"Em Preparo", strconv.Itoa(countInPrep(b))},
		{},
		{"FILA DE PEDIDOS"},
		{"ID", "Mesa", "Item", "Status", "Produtor", "Consumidor", "Timestamp"},
	}
	for _, o := range b.Orders {
		consumer := "N/A"
		if o.Consumer != -1 {
			consumer = strconv.Itoa(o.Consumer)
		}
		rows = append(rows, []string{strconv.FormatInt(o.ID, 10), strconv.Itoa(o.Table), o.Item, o.Status.String(),
			strconv.Itoa(o.Producer), consumer, unixTime(o.Timestamp).Format("02/01/2006 15:04:05")})
	}
	for _, row := range rows {
		if len(row) == 0 {
			// csv.Writer writes nothing for an empty row; Python writes an
			// empty line.
			cw.Flush()
			if _, err := io.WriteString(w, "\r\n"); err != nil {
				return err
			}
			continue
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// The original's JSON export, field for field.
type origJSON struct {
	Parametros struct {
		NumProdutores   int    `json:"num_produtores"`
		NumConsumidores int    `json:"num_consumidores"`
		DuracaoSegundos any    `json:"duracao_segundos"`
		DataExportacao  string `json:"data_exportacao"`
	} `json:"parametros"`
	Estatisticas struct {
		TotalCriados     int64 `json:"total_criados"`
		TotalProcessados int64 `json:"total_processados"`
		EmFila           int64 `json:"em_fila"`
		EmPreparo        int   `json:"em_preparo"`
	} `json:"estatisticas"`
	Pedidos []origOrder `json:"pedidos"`
}

type origOrder struct {
	ID           int64  `json:"id"`
	Mesa         int    `json:"mesa"`
	Item         string `json:"item"`
	Status       string `json:"status"`
	ProdutorID   int    `json:"produtor_id"`
	ConsumidorID *int   `json:"consumidor_id"`
	Timestamp    string `json:"timestamp"`
}

// WriteOriginalJSON writes the original's JSON export of state s
// (parametros, estatisticas, pedidos; ISO 8601 times; indented by two
// spaces, UTF-8 as is, as Python's json.dump(…, indent=2,
// ensure_ascii=False) writes it).
func WriteOriginalJSON(w io.Writer, s *State, p ExportParams) error {
	b := originalBoard(s)
	var o origJSON
	o.Parametros.NumProdutores, o.Parametros.NumConsumidores = p.Producers, p.Consumers
	o.Parametros.DuracaoSegundos = "ilimitada"
	if p.Duration > 0 {
		o.Parametros.DuracaoSegundos = int(p.Duration.Seconds())
	}
	o.Parametros.DataExportacao = pyISO(p.Now)
	o.Estatisticas.TotalCriados, o.Estatisticas.TotalProcessados = b.Stats.Created, b.Stats.Processed
	o.Estatisticas.EmFila, o.Estatisticas.EmPreparo = b.Stats.Queued, countInPrep(b)
	o.Pedidos = []origOrder{}
	for _, x := range b.Orders {
		oo := origOrder{ID: x.ID, Mesa: x.Table, Item: x.Item, Status: x.Status.String(), ProdutorID: x.Producer,
			Timestamp: pyISO(unixTime(x.Timestamp))}
		if x.Consumer != -1 {
			c := x.Consumer
			oo.ConsumidorID = &c
		}
		o.Pedidos = append(o.Pedidos, oo)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(o); err != nil {
		return err
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n")) // json.dump writes no final newline
	_, err := w.Write(out)
	return err
}

// ExportName returns the original's file name for an export made at t:
// pedidos_YYYYMMDD_HHMMSS with the extension ext (".csv", ".json").
func ExportName(t time.Time, ext string) string {
	return "pedidos_" + t.Format("20060102_150405") + ext
}
