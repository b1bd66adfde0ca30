//! Receiver types from declarations: a call through a typed parameter,
//! field, or a value constructed on assignment carries the receiver's type.

use codegraph_core::Language;
use codegraph_parser::parse_file;

/// (call name, receiver type) of every call with a receiver.
fn typed_calls(path: &str, source: &str, language: Language) -> Vec<(String, Option<String>)> {
    parse_file(path, source, language)
        .refs
        .into_iter()
        .filter(|r| r.qualifier.is_some())
        .map(|r| (r.name, r.receiver_type))
        .collect()
}

fn has(calls: &[(String, Option<String>)], name: &str, ty: Option<&str>) -> bool {
    calls.iter().any(|(n, t)| n == name && t.as_deref() == ty)
}

#[test]
fn python_parameters_assignments_and_self_fields() {
    let source = r#"
class Service:
    def __init__(self, pool):
        self.client = http.Client(pool)
        self.count: int = 0

    def run(self, console: Optional["Console"], items):
        console.print("x")
        self.client.get("/")
        self.count.bit_length()
        items.append(1)
        s = Session()
        s.close()
"#;
    let calls = typed_calls("svc.py", source, Language::Python);
    assert!(has(&calls, "print", Some("Console")), "{calls:?}");
    assert!(has(&calls, "get", Some("Client")), "{calls:?}");
    assert!(has(&calls, "bit_length", Some("int")), "{calls:?}");
    assert!(has(&calls, "append", None), "{calls:?}");
    assert!(has(&calls, "close", Some("Session")), "{calls:?}");
}

#[test]
fn typescript_parameter_properties_fields_and_locals() {
    let source = r#"
class OrderService {
  private log = new Logger();
  constructor(private repo: Repository<number>) {}
  place(sub: Subscriber<T>) {
    this.repo.save(1);
    this.log.info("x");
    sub.next(2);
    const m = new Map();
    m.set(1, 2);
    other.call();
  }
}
"#;
    let calls = typed_calls("svc.ts", source, Language::TypeScript);
    assert!(has(&calls, "save", Some("Repository")), "{calls:?}");
    assert!(has(&calls, "info", Some("Logger")), "{calls:?}");
    assert!(has(&calls, "next", Some("Subscriber")), "{calls:?}");
    assert!(has(&calls, "set", Some("Map")), "{calls:?}");
    assert!(has(&calls, "call", None), "{calls:?}");
}

#[test]
fn go_receivers_reach_struct_fields() {
    let source = r#"
package shop

type Service struct {
	store Store
}

func (s *Service) Place(o *Order) {
	s.store.Save(o)
	o.Total()
	w := &Writer{}
	w.Flush()
}
"#;
    let calls = typed_calls("svc.go", source, Language::Go);
    assert!(has(&calls, "Save", Some("Store")), "{calls:?}");
    assert!(has(&calls, "Total", Some("Order")), "{calls:?}");
    assert!(has(&calls, "Flush", Some("Writer")), "{calls:?}");
}

#[test]
fn java_and_rust_fields_and_locals() {
    let java = r#"
class OrderService {
  private final MemStore store = new MemStore();
  void place(Order order) {
    store.save(order);
    this.store.save(order);
    var w = new Writer();
    w.flush();
  }
}
"#;
    let calls = typed_calls("OrderService.java", java, Language::Java);
    assert_eq!(
        calls
            .iter()
            .filter(|(n, t)| n == "save" && t.as_deref() == Some("MemStore"))
            .count(),
        2,
        "{calls:?}"
    );
    assert!(has(&calls, "flush", Some("Writer")), "{calls:?}");

    let rust = r#"
struct Service { store: Arc<MemStore> }
impl Service {
    fn place(&self, order: &Order) {
        self.store.save(order);
        order.total();
        let w = Writer::new();
        w.flush();
    }
}
"#;
    let calls = typed_calls("svc.rs", rust, Language::Rust);
    assert!(has(&calls, "save", Some("MemStore")), "{calls:?}");
    assert!(has(&calls, "total", Some("Order")), "{calls:?}");
    assert!(has(&calls, "flush", Some("Writer")), "{calls:?}");
}
