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

var apiMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// mapOf returns v as an ordered map (nil if it is none).
func ymap(v any) yaml.MapSlice {
	m, _ := v.(yaml.MapSlice)
	return m
}

func yget(m yaml.MapSlice, key string) any {
	for _, it := range m {
		if fmt.Sprint(it.Key) == key {
			return it.Value
		}
	}
	return nil
}

func ystr(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// refName is the last part of a $ref ("#/components/schemas/Incident" is
// "Incident").
func yrefName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// resolve follows a $ref into components (parameters, responses).
func yresolve(root, v yaml.MapSlice) yaml.MapSlice {
	ref := ystr(yget(v, "$ref"))
	if !strings.HasPrefix(ref, "#/") {
		return v
	}
	cur := root
	for _, part := range strings.Split(ref[2:], "/") {
		cur = ymap(yget(cur, part))
	}
	return cur
}

func yschema(s yaml.MapSlice) string {
	if ref := ystr(yget(s, "$ref")); ref != "" {
		return yrefName(ref)
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
	info := ymap(yget(root, "info"))
	d := apiDocData{Title: ystr(yget(info, "title")), Version: ystr(yget(info, "version")), Description: ystr(yget(info, "description"))}
	for _, p := range ymap(yget(root, "paths")) {
		path, item := ystr(p.Key), ymap(p.Value)
		shared := yget(item, "parameters")
		for _, m := range item {
			method := ystr(m.Key)
			if !apiMethods[method] {
				continue
			}
			op := ymap(m.Value)
			o := apiOp{Method: strings.ToUpper(method), Path: path, Summary: ystr(yget(op, "summary")),
				Description: ystr(yget(op, "description")), Role: ystr(yget(op, "x-candor-role"))}
			o.Anchor = strings.ToLower(method) + strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(path)
			params, _ := shared.([]any)
			own, _ := yget(op, "parameters").([]any)
			for _, pv := range append(append([]any{}, params...), own...) {
				pm := yresolve(root, ymap(pv))
				o.Params = append(o.Params, apiParam{Name: ystr(yget(pm, "name")), In: ystr(yget(pm, "in")),
					Description: ystr(yget(pm, "description")), Type: yschema(ymap(yget(pm, "schema"))),
					Required: yget(pm, "required") == true})
			}
			if rb := yresolve(root, ymap(yget(op, "requestBody"))); rb != nil {
				for _, ct := range ymap(yget(rb, "content")) {
					o.Body += ystr(ct.Key) + ": " + yschema(ymap(yget(ymap(ct.Value), "schema"))) + "\n"
				}
			}
			for _, r := range ymap(yget(op, "responses")) {
				rm := yresolve(root, ymap(r.Value))
				o.Responses = append(o.Responses, apiResp{Code: ystr(r.Key), Description: ystr(yget(rm, "description"))})
			}
			d.Ops = append(d.Ops, o)
		}
	}
	for _, s := range ymap(yget(ymap(yget(root, "components")), "schemas")) {
		b, err := yaml.Marshal(s.Value)
		if err != nil {
			return d, fmt.Errorf("schema %v: %w", s.Key, err)
		}
		d.Schemas = append(d.Schemas, apiSchema{Name: ystr(s.Key), YAML: string(b)})
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
