package console

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// /console/api: the API's OpenAPI document as a server-rendered page for
// any signed-in person (no JavaScript viewer): each path and method with
// its summary, least role, parameters, request body and responses, then
// the schemas. The document comes in Config.OpenAPI; it is parsed once.

type apiParam struct {
	Name, In, Type, Description string
	Required                    bool
}

type apiResp struct{ Code, Description string }

type apiOp struct {
	Anchor, Method, Path, Summary, Description, Role, Body string
	Params                                                 []apiParam
	Responses                                              []apiResp
}

type apiSchema struct{ Name, YAML string }

type apiDocData struct {
	Title, Version, Description string
	Ops                         []apiOp
	Schemas                     []apiSchema
}

var methods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// mapOf returns v as an ordered map (nil if it is none).
func mapOf(v any) yaml.MapSlice {
	m, _ := v.(yaml.MapSlice)
	return m
}

func get(m yaml.MapSlice, key string) any {
	for _, it := range m {
		if fmt.Sprint(it.Key) == key {
			return it.Value
		}
	}
	return nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// refName is the last part of a $ref ("#/components/schemas/Incident" is
// "Incident").
func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// resolve follows a $ref into components (parameters, responses).
func resolve(root, v yaml.MapSlice) yaml.MapSlice {
	ref := str(get(v, "$ref"))
	if !strings.HasPrefix(ref, "#/") {
		return v
	}
	cur := root
	for _, part := range strings.Split(ref[2:], "/") {
		cur = mapOf(get(cur, part))
	}
	return cur
}

func schemaText(s yaml.MapSlice) string {
	if ref := str(get(s, "$ref")); ref != "" {
		return refName(ref)
	}
	b, err := yaml.MarshalWithOptions(s, yaml.Flow(true))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func parseAPIDoc(doc []byte) (apiDocData, error) {
	var root yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(doc, &root, yaml.UseOrderedMap()); err != nil {
		return apiDocData{}, fmt.Errorf("parse openapi: %w", err)
	}
	info := mapOf(get(root, "info"))
	d := apiDocData{Title: str(get(info, "title")), Version: str(get(info, "version")), Description: str(get(info, "description"))}
	for _, p := range mapOf(get(root, "paths")) {
		path, item := str(p.Key), mapOf(p.Value)
		shared := get(item, "parameters")
		for _, m := range item {
			method := str(m.Key)
			if !methods[method] {
				continue
			}
			op := mapOf(m.Value)
			o := apiOp{Method: strings.ToUpper(method), Path: path, Summary: str(get(op, "summary")),
				Description: str(get(op, "description")), Role: str(get(op, "x-candor-role"))}
			o.Anchor = strings.ToLower(method) + strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(path)
			params, _ := shared.([]any)
			own, _ := get(op, "parameters").([]any)
			for _, pv := range append(append([]any{}, params...), own...) {
				pm := resolve(root, mapOf(pv))
				o.Params = append(o.Params, apiParam{Name: str(get(pm, "name")), In: str(get(pm, "in")),
					Description: str(get(pm, "description")), Type: schemaText(mapOf(get(pm, "schema"))),
					Required: get(pm, "required") == true})
			}
			if rb := resolve(root, mapOf(get(op, "requestBody"))); rb != nil {
				for _, ct := range mapOf(get(rb, "content")) {
					o.Body += str(ct.Key) + ": " + schemaText(mapOf(get(mapOf(ct.Value), "schema"))) + "\n"
				}
			}
			for _, r := range mapOf(get(op, "responses")) {
				rm := resolve(root, mapOf(r.Value))
				o.Responses = append(o.Responses, apiResp{Code: str(r.Key), Description: str(get(rm, "description"))})
			}
			d.Ops = append(d.Ops, o)
		}
	}
	for _, s := range mapOf(get(mapOf(get(root, "components")), "schemas")) {
		b, err := yaml.Marshal(s.Value)
		if err != nil {
			return d, fmt.Errorf("schema %v: %w", s.Key, err)
		}
		d.Schemas = append(d.Schemas, apiSchema{Name: str(s.Key), YAML: string(b)})
	}
	return d, nil
}

var apiDocOnce struct {
	sync.Once
	d   apiDocData
	err error
}

func (cs *Console) apiDoc(c *gin.Context) {
	apiDocOnce.Do(func() { apiDocOnce.d, apiDocOnce.err = parseAPIDoc(cs.cfg.OpenAPI) })
	if apiDocOnce.err != nil || len(cs.cfg.OpenAPI) == 0 {
		cs.fail(c, fmt.Errorf("openapi document: %v", apiDocOnce.err))
		return
	}
	cs.render(c, http.StatusOK, "api_doc", tr(lang(c), "adm_api"), apiDocOnce.d)
}

func init() {
	words(map[string]string{
		"api_intro": "The API for scripts; every /api/v1 call needs a token (Authorization: Bearer). The same document as JSON or YAML:",
		"api_paths": "Paths", "api_schemas": "Schemas", "api_params": "Parameters", "api_body": "Request body",
		"api_resps": "Responses", "api_role": "Least role", "api_required": "required", "api_in": "in",
	}, map[string]string{
		"api_intro": "スクリプト用の API です。/api/v1 の呼び出しにはトークンが必要です（Authorization: Bearer）。同じ文書の JSON・YAML 版：",
		"api_paths": "パス", "api_schemas": "スキーマ", "api_params": "パラメーター", "api_body": "リクエスト本文",
		"api_resps": "レスポンス", "api_role": "必要な権限", "api_required": "必須", "api_in": "場所",
	})
}
