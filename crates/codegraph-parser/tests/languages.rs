//! Snapshot tests: one small, real-looking file per language, with the
//! definitions, containment, imports and unresolved references we expect.
//! Update with `UPDATE_EXPECT=1 cargo test -p codegraph-parser`, then review.

use std::collections::HashMap;
use std::fmt::Write;

use codegraph_core::{EdgeKind, FileGraph, Language, NodeId};
use expect_test::{expect, Expect};

fn render(graph: &FileGraph) -> String {
    let names: HashMap<NodeId, &str> = graph
        .nodes
        .iter()
        .map(|n| (n.id, n.qualified_name.as_str()))
        .collect();
    let mut out = String::new();
    for node in &graph.nodes[1..] {
        let parent = node
            .parent
            .and_then(|p| names.get(&p))
            .copied()
            .unwrap_or("?");
        write!(
            out,
            "{} {} L{}-{} in {}",
            node.kind, node.qualified_name, node.span.start_line, node.span.end_line, parent
        )
        .unwrap();
        if let Some(sig) = &node.signature {
            write!(out, " sig=`{sig}`").unwrap();
        }
        if let Some(doc) = &node.doc {
            write!(out, " doc={doc:?}").unwrap();
        }
        out.push('\n');
    }
    for r in &graph.refs {
        let from = names.get(&r.from).copied().unwrap_or("?");
        let via = r
            .qualifier
            .as_deref()
            .map(|q| format!(" via {q}"))
            .unwrap_or_default();
        writeln!(
            out,
            "ref {} {}{via} from {from} L{}",
            r.kind.as_str(),
            r.name,
            r.line
        )
        .unwrap();
    }
    let contains = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Contains)
        .count();
    let imports = graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Imports)
        .count();
    writeln!(
        out,
        "edges: {contains} contains, {imports} imports; syntax errors: {}",
        graph.has_syntax_errors
    )
    .unwrap();
    out
}

fn check(path: &str, language: Language, source: &str, expect: Expect) {
    let graph = codegraph_parser::parse_file(path, source, language);
    // Invariants every graph keeps, whatever the language.
    assert_eq!(graph.nodes[0].id, NodeId::for_file(path));
    let mut ids: Vec<NodeId> = graph.nodes.iter().map(|n| n.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), graph.nodes.len(), "node ids are unique");
    for node in &graph.nodes[1..] {
        let parent = node.parent.expect("every definition has a parent");
        assert!(
            graph.nodes.iter().any(|n| n.id == parent),
            "parent of {} is in the file",
            node.qualified_name
        );
    }
    expect.assert_eq(&render(&graph));
}

#[test]
fn rust() {
    check(
        "crates/net/src/http/client.rs",
        Language::Rust,
        r#"use std::collections::HashMap;
use crate::retry::{Backoff, Policy};

/// How many times a request is retried.
pub const MAX_RETRIES: u32 = 3;

/// An HTTP client that retries failed requests.
#[derive(Debug)]
pub struct Client {
    base_url: String,
    headers: HashMap<String, String>,
}

pub enum Method {
    Get,
    Post,
}

pub trait Transport: Send {
    fn send(&self, req: &Request) -> Response;
}

impl Client {
    /// Creates a client for `base_url`.
    pub fn new(base_url: &str) -> Self {
        Client { base_url: base_url.to_string(), headers: HashMap::new() }
    }

    pub fn get(&self, path: &str) -> Response {
        let policy = Policy::default();
        self.send_with_retry(Method::Get, path, &policy)
    }
}

impl Transport for Client {
    fn send(&self, req: &Request) -> Response {
        dispatch(req)
    }
}

macro_rules! log_request {
    ($req:expr) => { println!("{:?}", $req) };
}

fn dispatch(req: &Request) -> Response {
    log_request!(req);
    todo!()
}
"#,
        expect![[r#"
            constant http::client::MAX_RETRIES L5-5 in crates/net/src/http/client.rs sig=`pub const MAX_RETRIES: u32 = 3;` doc="How many times a request is retried."
            struct http::client::Client L9-12 in crates/net/src/http/client.rs sig=`pub struct Client` doc="An HTTP client that retries failed requests."
            field http::client::Client::base_url L10-10 in http::client::Client sig=`base_url: String`
            field http::client::Client::headers L11-11 in http::client::Client sig=`headers: HashMap<String, String>`
            enum http::client::Method L14-17 in crates/net/src/http/client.rs sig=`pub enum Method`
            variant http::client::Method::Get L15-15 in http::client::Method sig=`Get`
            variant http::client::Method::Post L16-16 in http::client::Method sig=`Post`
            trait http::client::Transport L19-21 in crates/net/src/http/client.rs sig=`pub trait Transport: Send`
            method http::client::Transport::send L20-20 in http::client::Transport sig=`fn send(&self, req: &Request) -> Response;`
            method http::client::Client::new L25-27 in http::client::Client sig=`pub fn new(base_url: &str) -> Self` doc="Creates a client for `base_url`."
            method http::client::Client::get L29-32 in http::client::Client sig=`pub fn get(&self, path: &str) -> Response`
            method http::client::Client::send L36-38 in http::client::Client sig=`fn send(&self, req: &Request) -> Response`
            macro http::client::log_request L41-43 in crates/net/src/http/client.rs sig=`macro_rules! log_request`
            function http::client::dispatch L45-48 in crates/net/src/http/client.rs sig=`fn dispatch(req: &Request) -> Response`
            import std::collections::HashMap L1-1 in crates/net/src/http/client.rs sig=`use std::collections::HashMap;`
            import crate::retry::Backoff L2-2 in crates/net/src/http/client.rs sig=`use crate::retry::{Backoff, Policy};`
            import crate::retry::Policy L2-2 in crates/net/src/http/client.rs sig=`use crate::retry::{Backoff, Policy};`
            ref type String from http::client::Client::base_url L10
            ref type HashMap from http::client::Client::headers L11
            ref type String from http::client::Client::headers L11
            ref type String from http::client::Client::headers L11
            ref inherit Send from http::client::Transport L19
            ref type Request from http::client::Transport::send L20
            ref type Response from http::client::Transport::send L20
            ref type Self from http::client::Client::new L25
            ref type Client from http::client::Client::new L26
            ref call to_string via base_url from http::client::Client::new L26
            ref call new via HashMap from http::client::Client::new L26
            ref type Response from http::client::Client::get L29
            ref call default via Policy from http::client::Client::get L30
            ref call send_with_retry via self from http::client::Client::get L31
            ref implement Transport via Client from http::client::Client L35
            ref type Request from http::client::Client::send L36
            ref type Response from http::client::Client::send L36
            ref call dispatch from http::client::Client::send L37
            ref type Request from http::client::dispatch L45
            ref type Response from http::client::dispatch L45
            ref macro log_request from http::client::dispatch L46
            ref macro todo from http::client::dispatch L47
            ref import std::collections::HashMap from crates/net/src/http/client.rs L1
            ref import crate::retry::Backoff from crates/net/src/http/client.rs L2
            ref import crate::retry::Policy from crates/net/src/http/client.rs L2
            edges: 17 contains, 3 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn python() {
    check(
        "src/shop/orders.py",
        Language::Python,
        r#""""Order handling."""
import json
import os.path as osp
from .models import Order, LineItem
from ..util import *

DEFAULT_CURRENCY = "EUR"
registry = {}


class OrderService(BaseService):
    """Creates and stores orders."""

    table = "orders"

    def __init__(self, db):
        self.db = db

    def create(self, items: list[LineItem]) -> Order:
        """Create an order from line items."""
        order = Order(items=items)
        self.db.save(order)
        return order


def load_orders(path):
    with open(path) as fh:
        return [Order(**row) for row in json.load(fh)]
"#,
        expect![[r#"
            constant shop.orders.DEFAULT_CURRENCY L7-7 in src/shop/orders.py sig=`DEFAULT_CURRENCY = "EUR"`
            variable shop.orders.registry L8-8 in src/shop/orders.py sig=`registry = {}`
            class shop.orders.OrderService L11-23 in src/shop/orders.py sig=`class OrderService(BaseService)` doc="Creates and stores orders."
            field shop.orders.OrderService.table L14-14 in shop.orders.OrderService sig=`table = "orders"`
            method shop.orders.OrderService.__init__ L16-17 in shop.orders.OrderService sig=`def __init__(self, db)`
            method shop.orders.OrderService.create L19-23 in shop.orders.OrderService sig=`def create(self, items: list[LineItem]) -> Order` doc="Create an order from line items."
            function shop.orders.load_orders L26-28 in src/shop/orders.py sig=`def load_orders(path)`
            import json L2-2 in src/shop/orders.py sig=`import json`
            import os.path L3-3 in src/shop/orders.py sig=`import os.path as osp`
            import .models.Order L4-4 in src/shop/orders.py sig=`from .models import Order, LineItem`
            import .models.LineItem L4-4 in src/shop/orders.py sig=`from .models import Order, LineItem`
            import ..util L5-5 in src/shop/orders.py sig=`from ..util import *`
            ref inherit BaseService from shop.orders.OrderService L11
            ref read db via self from shop.orders.OrderService.__init__ L17
            ref type list from shop.orders.OrderService.create L19
            ref type LineItem from shop.orders.OrderService.create L19
            ref type Order from shop.orders.OrderService.create L19
            ref call Order from shop.orders.OrderService.create L21
            ref read db via self from shop.orders.OrderService.create L22
            ref call save via self.db from shop.orders.OrderService.create L22
            ref call open from shop.orders.load_orders L27
            ref call Order from shop.orders.load_orders L28
            ref call load via json from shop.orders.load_orders L28
            ref import json from src/shop/orders.py L2
            ref import os.path from src/shop/orders.py L3
            ref import .models.Order from src/shop/orders.py L4
            ref import .models.LineItem from src/shop/orders.py L4
            ref import ..util from src/shop/orders.py L5
            edges: 12 contains, 5 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn javascript() {
    check(
        "src/api/client.js",
        Language::JavaScript,
        r#"import { retry, sleep } from './util';
import axios from 'axios';
const fs = require('fs');

export const DEFAULT_TIMEOUT = 5000;

/**
 * Fetches JSON with retries.
 */
export async function fetchJson(url, opts) {
  const res = await retry(() => axios.get(url, opts));
  return res.data;
}

class ApiClient extends BaseClient {
  #token = null;

  constructor(base) {
    super(base);
    this.base = base;
  }

  async get(path) {
    await sleep(10);
    return fetchJson(this.base + path);
  }
}

const handler = (req) => new ApiClient(req.base);

module.exports.makeClient = function (base) {
  return new ApiClient(base);
};
"#,
        expect![[r#"
            variable fs L3-3 in src/api/client.js sig=`const fs = require('fs')`
            variable DEFAULT_TIMEOUT L5-5 in src/api/client.js sig=`const DEFAULT_TIMEOUT = 5000`
            function fetchJson L10-13 in src/api/client.js sig=`async function fetchJson(url, opts)` doc="Fetches JSON with retries."
            class ApiClient L15-27 in src/api/client.js sig=`class ApiClient extends BaseClient`
            field ApiClient.#token L16-16 in ApiClient sig=`#token = null`
            method ApiClient.constructor L18-21 in ApiClient sig=`constructor(base)`
            method ApiClient.get L23-26 in ApiClient sig=`async get(path)`
            function handler L29-29 in src/api/client.js sig=`const handler = (req) =>`
            function makeClient L31-33 in src/api/client.js sig=`module.exports.makeClient = function (base)`
            import ./util.retry L1-1 in src/api/client.js sig=`import { retry, sleep } from './util';`
            import ./util.sleep L1-1 in src/api/client.js sig=`import { retry, sleep } from './util';`
            import axios L2-2 in src/api/client.js sig=`import axios from 'axios';`
            import fs L3-3 in fs sig=`require('fs')`
            ref call require from fs L3
            ref call retry from fetchJson L11
            ref call get via axios from fetchJson L11
            ref inherit BaseClient from ApiClient L15
            ref read base via this from ApiClient.constructor L20
            ref call sleep from ApiClient.get L24
            ref call fetchJson from ApiClient.get L25
            ref read base via this from ApiClient.get L25
            ref call ApiClient from handler L29
            ref call ApiClient from makeClient L32
            ref import ./util.retry from src/api/client.js L1
            ref import ./util.sleep from src/api/client.js L1
            ref import axios from src/api/client.js L2
            ref import fs from fs L3
            edges: 13 contains, 4 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn typescript() {
    check(
        "src/store/cache.ts",
        Language::TypeScript,
        r#"import { Clock } from "./clock";

/** A key-value cache with expiry. */
export interface Cache<V> extends Disposable {
  get(key: string): V | undefined;
  size: number;
}

export type Key = string;

export enum Policy { Lru, Fifo = 2 }

export class LruCache<V> implements Cache<V> {
  private entries = new Map<Key, V>();

  constructor(private clock: Clock) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }
}

export function makeCache<V>(clock: Clock): Cache<V>;
export function makeCache<V>(clock: Clock, size: number): Cache<V>;
export function makeCache<V>(clock: Clock, size?: number): Cache<V> {
  return new LruCache<V>(clock);
}
"#,
        expect![[r#"
            interface Cache L4-7 in src/store/cache.ts sig=`interface Cache<V> extends Disposable` doc="A key-value cache with expiry."
            method Cache.get L5-5 in Cache sig=`get(key: string): V | undefined`
            field Cache.size L6-6 in Cache sig=`size: number`
            type Key L9-9 in src/store/cache.ts sig=`type Key = string;`
            enum Policy L11-11 in src/store/cache.ts sig=`enum Policy`
            variant Policy.Lru L11-11 in Policy sig=`Lru`
            variant Policy.Fifo L11-11 in Policy sig=`Fifo = 2`
            class LruCache L13-21 in src/store/cache.ts sig=`class LruCache<V> implements Cache<V>`
            field LruCache.entries L14-14 in LruCache sig=`private entries = new Map<Key, V>()`
            method LruCache.constructor L16-16 in LruCache sig=`constructor(private clock: Clock)`
            method LruCache.get L18-20 in LruCache sig=`get(key: string): V | undefined`
            function makeCache L25-27 in src/store/cache.ts sig=`function makeCache<V>(clock: Clock, size?: number): Cache<V>`
            import ./clock.Clock L1-1 in src/store/cache.ts sig=`import { Clock } from "./clock";`
            ref type V from Cache L4
            ref inherit Disposable from Cache L4
            ref type V from Cache.get L5
            ref type V from LruCache L13
            ref implement Cache from LruCache L13
            ref type V from LruCache L13
            ref call Map from LruCache.entries L14
            ref type Key from LruCache.entries L14
            ref type V from LruCache.entries L14
            ref type Clock from LruCache.constructor L16
            ref type V from LruCache.get L18
            ref read entries via this from LruCache.get L19
            ref call get via this.entries from LruCache.get L19
            ref type V from makeCache L23
            ref type Clock from makeCache L23
            ref type Cache from makeCache L23
            ref type V from makeCache L23
            ref type V from makeCache L24
            ref type Clock from makeCache L24
            ref type Cache from makeCache L24
            ref type V from makeCache L24
            ref type V from makeCache L25
            ref type Clock from makeCache L25
            ref type Cache from makeCache L25
            ref type V from makeCache L25
            ref call LruCache from makeCache L26
            ref type V from makeCache L26
            ref import ./clock.Clock from src/store/cache.ts L1
            edges: 13 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn tsx() {
    check(
        "web/Button.tsx",
        Language::Tsx,
        r#"import React from "react";

type Props = { label: string };

export const Button = ({ label }: Props) => <button onClick={() => track(label)}>{label}</button>;
"#,
        expect![[r#"
            type Props L3-3 in web/Button.tsx sig=`type Props = { label: string };`
            field label L3-3 in web/Button.tsx sig=`label: string`
            function Button L5-5 in web/Button.tsx sig=`const Button = ({ label }: Props) =>`
            import react L1-1 in web/Button.tsx sig=`import React from "react";`
            ref type Props from Button L5
            ref call track from Button L5
            ref import react from web/Button.tsx L1
            edges: 4 contains, 1 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn go() {
    check(
        "server/handler.go",
        Language::Go,
        r#"package server

import (
	"fmt"
	"net/http"
)

const maxBody = 1 << 20

var defaultMux = http.NewServeMux()

// Handler serves the API.
type Handler struct {
	store Store
	log   Logger
}

// Store persists items.
type Store interface {
	Get(id string) (Item, error)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	item, err := h.store.Get(r.URL.Path)
	if err != nil {
		writeError(w, err)
		return
	}
	fmt.Fprintf(w, "%v", item)
}

func writeError(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), 500)
}
"#,
        expect![[r#"
            constant server.maxBody L8-8 in server/handler.go sig=`maxBody = 1 << 20`
            variable server.defaultMux L10-10 in server/handler.go sig=`defaultMux = http.NewServeMux()`
            struct server.Handler L13-16 in server/handler.go sig=`Handler struct` doc="Handler serves the API."
            field server.Handler.store L14-14 in server.Handler sig=`store Store`
            field server.Handler.log L15-15 in server.Handler sig=`log Logger`
            interface server.Store L19-21 in server/handler.go sig=`Store interface` doc="Store persists items."
            method server.Store.Get L20-20 in server.Store sig=`Get(id string) (Item, error)`
            method server.Handler.ServeHTTP L24-31 in server/handler.go sig=`func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request)` doc="ServeHTTP implements http.Handler."
            function server.writeError L33-35 in server/handler.go sig=`func writeError(w http.ResponseWriter, err error)`
            import fmt L4-4 in server/handler.go sig=`"fmt"`
            import net/http L5-5 in server/handler.go sig=`"net/http"`
            ref call NewServeMux via http from server.defaultMux L10
            ref type Store from server.Handler.store L14
            ref type Logger from server.Handler.log L15
            ref type string from server.Store.Get L20
            ref type Item from server.Store.Get L20
            ref type error from server.Store.Get L20
            ref type Handler from server.Handler.ServeHTTP L24
            ref type ResponseWriter from server.Handler.ServeHTTP L24
            ref type Request from server.Handler.ServeHTTP L24
            ref call Get via h.store from server.Handler.ServeHTTP L25
            ref call writeError from server.Handler.ServeHTTP L27
            ref call Fprintf via fmt from server.Handler.ServeHTTP L30
            ref type ResponseWriter from server.writeError L33
            ref type error from server.writeError L33
            ref call Error via http from server.writeError L34
            ref call Error via err from server.writeError L34
            ref import fmt from server/handler.go L4
            ref import net/http from server/handler.go L5
            edges: 11 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn java() {
    check(
        "src/main/java/com/acme/billing/InvoiceService.java",
        Language::Java,
        r#"package com.acme.billing;

import java.util.List;
import com.acme.billing.model.Invoice;

/** Issues invoices. */
public class InvoiceService extends BaseService implements Service, AutoCloseable {
    private static final int MAX_LINES = 100;
    private final InvoiceRepository repo;

    public InvoiceService(InvoiceRepository repo) {
        this.repo = repo;
    }

    /** Issues one invoice. */
    @Override
    public Invoice issue(List<Line> lines) {
        Invoice invoice = new Invoice(lines);
        repo.save(invoice);
        validate(invoice);
        return invoice;
    }

    enum Status { DRAFT, SENT }
}
"#,
        expect![[r#"
            class com.acme.billing.InvoiceService L7-25 in src/main/java/com/acme/billing/InvoiceService.java sig=`public class InvoiceService extends BaseService implements Service, AutoCloseable` doc="Issues invoices."
            field com.acme.billing.InvoiceService.MAX_LINES L8-8 in com.acme.billing.InvoiceService sig=`private static final int MAX_LINES = 100`
            field com.acme.billing.InvoiceService.repo L9-9 in com.acme.billing.InvoiceService sig=`private final InvoiceRepository repo`
            constructor com.acme.billing.InvoiceService.InvoiceService L11-13 in com.acme.billing.InvoiceService sig=`public InvoiceService(InvoiceRepository repo)`
            method com.acme.billing.InvoiceService.issue L16-22 in com.acme.billing.InvoiceService sig=`@Override public Invoice issue(List<Line> lines)` doc="Issues one invoice."
            enum com.acme.billing.InvoiceService.Status L24-24 in com.acme.billing.InvoiceService sig=`enum Status`
            variant com.acme.billing.InvoiceService.Status.DRAFT L24-24 in com.acme.billing.InvoiceService.Status sig=`DRAFT`
            variant com.acme.billing.InvoiceService.Status.SENT L24-24 in com.acme.billing.InvoiceService.Status sig=`SENT`
            import java.util.List L3-3 in src/main/java/com/acme/billing/InvoiceService.java sig=`import java.util.List;`
            import com.acme.billing.model.Invoice L4-4 in src/main/java/com/acme/billing/InvoiceService.java sig=`import com.acme.billing.model.Invoice;`
            ref inherit BaseService from com.acme.billing.InvoiceService L7
            ref implement Service from com.acme.billing.InvoiceService L7
            ref implement AutoCloseable from com.acme.billing.InvoiceService L7
            ref type InvoiceRepository from com.acme.billing.InvoiceService L9
            ref type InvoiceRepository from com.acme.billing.InvoiceService.InvoiceService L11
            ref type Invoice from com.acme.billing.InvoiceService.issue L17
            ref type List from com.acme.billing.InvoiceService.issue L17
            ref type Line from com.acme.billing.InvoiceService.issue L17
            ref type Invoice from com.acme.billing.InvoiceService.issue L18
            ref call Invoice from com.acme.billing.InvoiceService.issue L18
            ref call save via repo from com.acme.billing.InvoiceService.issue L19
            ref call validate from com.acme.billing.InvoiceService.issue L20
            ref import java.util.List from src/main/java/com/acme/billing/InvoiceService.java L3
            ref import com.acme.billing.model.Invoice from src/main/java/com/acme/billing/InvoiceService.java L4
            edges: 10 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn c() {
    check(
        "lib/list.c",
        Language::C,
        r#"#include <stdlib.h>
#include "list.h"

#define LIST_MAX 1024
#define list_empty(l) ((l)->head == NULL)

/* A singly linked list node. */
struct node {
	int value;
	struct node *next;
};

typedef struct {
	struct node *head;
	size_t len;
} list_t;

enum color { RED, GREEN };

static int list_count;

/* Pushes a value onto the list. */
int list_push(list_t *l, int value)
{
	struct node *n = malloc(sizeof(*n));
	if (!n)
		return -1;
	n->value = value;
	n->next = l->head;
	l->head = n;
	list_count++;
	return 0;
}

static char *list_name(const list_t *l)
{
	return format_name(l->head);
}
"#,
        expect![[r#"
            macro LIST_MAX L4-4 in lib/list.c sig=`#define LIST_MAX 1024`
            macro list_empty L5-5 in lib/list.c sig=`#define list_empty(l) ((l)->head == NULL)`
            struct node L8-11 in lib/list.c sig=`struct node` doc="A singly linked list node."
            field node.value L9-9 in node sig=`int value;`
            field node.next L10-10 in node sig=`struct node *next;`
            struct list_t L13-16 in lib/list.c sig=`typedef struct`
            field list_t.head L14-14 in list_t sig=`struct node *head;`
            field list_t.len L15-15 in list_t sig=`size_t len;`
            enum color L18-18 in lib/list.c sig=`enum color`
            variant color.RED L18-18 in color sig=`RED`
            variant color.GREEN L18-18 in color sig=`GREEN`
            variable list_count L20-20 in lib/list.c sig=`static int list_count;`
            function list_push L23-33 in lib/list.c sig=`int list_push(list_t *l, int value)` doc="Pushes a value onto the list."
            function list_name L35-38 in lib/list.c sig=`static char *list_name(const list_t *l)`
            import stdlib.h L1-1 in lib/list.c sig=`#include <stdlib.h>`
            import list.h L2-2 in lib/list.c sig=`#include "list.h"`
            ref type node from node.next L10
            ref type node from list_t.head L14
            ref type list_t from list_push L23
            ref type node from list_push L25
            ref call malloc from list_push L25
            ref type list_t from list_name L35
            ref call format_name from list_name L37
            ref import stdlib.h from lib/list.c L1
            ref import list.h from lib/list.c L2
            edges: 16 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn cpp() {
    check(
        "src/geometry/shape.cpp",
        Language::Cpp,
        r#"#include "shape.h"
#include <vector>

namespace geo {

class Shape {
public:
    virtual ~Shape();
    virtual double area() const = 0;
    int id;
};

class Circle : public Shape {
public:
    explicit Circle(double r) : r_(r) {}
    double area() const override { return kPi * r_ * r_; }
private:
    double r_;
};

double total_area(const std::vector<Shape*>& shapes) {
    double sum = 0;
    for (auto* s : shapes) sum += s->area();
    return sum;
}

}  // namespace geo

double geo::Shape::scaled(double k) const {
    return geo::total_area({}) * k;
}
"#,
        expect![[r#"
            namespace geo L4-27 in src/geometry/shape.cpp sig=`namespace geo`
            class geo::Shape L6-11 in geo sig=`class Shape`
            method geo::Shape::~Shape L8-8 in geo::Shape sig=`virtual ~Shape();`
            method geo::Shape::area L9-9 in geo::Shape sig=`virtual double area() const = 0;`
            field geo::Shape::id L10-10 in geo::Shape sig=`int id;`
            class geo::Circle L13-19 in geo sig=`class Circle : public Shape`
            method geo::Circle::Circle L15-15 in geo::Circle sig=`explicit Circle(double r) : r_(r)`
            method geo::Circle::area L16-16 in geo::Circle sig=`double area() const override`
            field geo::Circle::r_ L18-18 in geo::Circle sig=`double r_;`
            function geo::total_area L21-25 in geo sig=`double total_area(const std::vector<Shape*>& shapes)`
            method geo::Shape::scaled L29-31 in src/geometry/shape.cpp sig=`double geo::Shape::scaled(double k) const`
            import shape.h L1-1 in src/geometry/shape.cpp sig=`#include "shape.h"`
            import vector L2-2 in src/geometry/shape.cpp sig=`#include <vector>`
            ref inherit Shape from geo::Circle L13
            ref type vector from geo::total_area L21
            ref type Shape from geo::total_area L21
            ref call area via s from geo::total_area L23
            ref call total_area via geo from geo::Shape::scaled L30
            ref import shape.h from src/geometry/shape.cpp L1
            ref import vector from src/geometry/shape.cpp L2
            edges: 13 contains, 2 imports; syntax errors: false
        "#]],
    );
}

#[test]
fn syntax_errors_keep_what_parsed() {
    check(
        "broken.py",
        Language::Python,
        "def ok():\n    return 1\n\ndef broken(:\n    pass\n\nclass Fine:\n    pass\n",
        expect![[r#"
            function broken.ok L1-2 in broken.py sig=`def ok()`
            function broken.broken L4-5 in broken.py sig=`def broken(`
            class broken.Fine L7-8 in broken.py sig=`class Fine`
            edges: 3 contains, 0 imports; syntax errors: true
        "#]],
    );
}

#[test]
fn interface_overloads_are_one_method() {
    let source = "interface SchedulerLike {\n  schedule(work: () => void): Sub;\n  schedule(work: () => void, delay: number): Sub;\n  now(): number;\n}\n";
    let graph = codegraph_parser::parse_file("types.ts", source, Language::TypeScript);
    let names: Vec<&str> = graph.nodes[1..]
        .iter()
        .map(|n| n.qualified_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "SchedulerLike",
            "SchedulerLike.schedule",
            "SchedulerLike.now"
        ]
    );
}
